from tunesmith.data.cache import corpus_dir, piece_record, save_corpus
from tunesmith.data.stats import key_prior
from tunesmith.score import KeySignature, Metadata, Score, Track, note_array


def piece(tonic, mode, style):
    return Score(tracks=(Track(note_array([(60, 0, 480)])),), key_signatures=(KeySignature(0, tonic, mode),),
                 metadata=Metadata(style=style))


def test_counts_each_style_s_keys_in_one_split_only(tmp_path):
    pieces = [("a", piece(7, "major", "irish"), "train"), ("b", piece(7, "major", "irish"), "train"),
              ("c", piece(4, "minor", "irish"), "train"), ("d", piece(2, "major", "scottish"), "train"),
              ("e", piece(1, "major", "irish"), "valid")]  # a valid piece is not counted
    records = [piece_record(pid, s, split, "", "4/4") for pid, s, split in pieces]
    save_corpus(corpus_dir("oneills", tmp_path), records, [s for _, s, _ in pieces], [], {}, "")
    prior = key_prior("oneills", root=tmp_path)
    assert prior == {"irish": {"G_major": 2, "E_minor": 1}, "scottish": {"D_major": 1}}
    assert key_prior("oneills", split="valid", root=tmp_path) == {"irish": {"C#_major": 1}}
