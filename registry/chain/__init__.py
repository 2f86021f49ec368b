"""Chain layer: compiling contracts, running a local node, talking to the chain."""
