"""Stage 2, on a worker: the job runs in the sandbox (host side here, the processes inside it in inside/)."""
