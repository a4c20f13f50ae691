"""How a probe's answer travels from a kernel to the grader: display data of the grader's own
mimetype. The client counts it as a reply only while one of the grader's probes runs (capped on
its own there, and like any output elsewhere); the agent in the kernel (grader/probing/agent.py)
publishes it, the grader (grader/probing/probe.py) reads it."""

PROBE_MIMETYPE = "application/x-grader-probe"

# Modules a kernel imports before its sandbox hides the kit's files from it (kernel_main.py):
# the probes' agent, which every probe then calls.
KERNEL_IMPORTS = ("grader.probing.agent",)
KERNEL_IMPORTS_ENV = "GRADER_KERNEL_IMPORTS"
