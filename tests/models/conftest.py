import torch

# debug models are tiny: one thread is faster, and spinning OpenMP threads on a busy 2-core machine is not
torch.set_num_threads(1)
