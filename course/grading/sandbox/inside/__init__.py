"""What runs inside the sandbox: the launcher, the executor, the kernels' set-up and the relay between the two kernels."""
