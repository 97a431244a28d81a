"""The composition assistant: analysis of a score, feedback on part-writing, and a music-theory knowledge tree.

    analysis    analyze_score: keys, numerals, cadences, phrases, non-chord tones, voice-leading faults
    formats     the analysis as text, JSON and RomanText
    annotate    the analysis on the score: MusicXML with numerals under the bass, SVG with faults in colour
    analyze     the job behind `tunesmith analyze FILE`
    check       the job behind `tunesmith check EXERCISE --rules chorale`: faults explained, with fixes
    knowledge   the knowledge tree: nodes from Markdown files, retrieval by path, keyword and music
    explain     the job behind `tunesmith explain "parallel fifths"`
    attention   a model's attention summed to notes and bars (reading: in musical terms; attention_plot: the
                pictures); attention_job: `tunesmith attention FILE` and the live view while composing (`watch`)
    suggest     the job behind `tunesmith suggest FILE --bar N`: continuation, reharmonization, cadence, fixes
                (suggest_kinds), drawn by the rewrite engine (rewrite)
    motifs      the motif memory: `tunesmith motif FILE`, where else a motif occurs, its developments

Importing this package is cheap: music21 and verovio load only when a score is written or engraved.
"""
