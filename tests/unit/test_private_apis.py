"""The private parts of nbclient and jupyter_client the kit overrides or calls.

The output caps, the disconnect watcher and the fast start-up wait live in methods these
libraries do not promise to keep (grader/execution/client.py, ready.py, runner.py,
kernel_spec.py, warm/provisioner.py). pyproject.toml pins both libraries to the versions tested;
this test fails, naming the method, the day a new release renames one or changes its
parameters, instead of the output cap silently no longer applying.
"""

from __future__ import annotations

import inspect

import pytest
from jupyter_client.client import KernelClient
from jupyter_client.provisioning import LocalProvisioner
from nbclient import NotebookClient
from xdist.scheduler import LoadScopeScheduling

from grader.execution.client import GradingClient
from grader.execution.kernel_spec import GradingProvisioner
from grader.execution.warm.provisioner import ForkProvisioner

# (class, attribute, its parameters): what the kit relies on, as the tested versions have it.
RELIED_ON = [
    (NotebookClient, "_async_poll_kernel_alive", ["self"]),
    (NotebookClient, "_async_check_alive", ["self"]),
    (NotebookClient, "_update_display_id", ["self", "display_id", "msg"]),
    (NotebookClient, "_async_cleanup_kernel", ["self"]),
    (NotebookClient, "_cleanup_kernel", None),  # run_sync's wrapper: (*args, **kwargs)
    (NotebookClient, "output", ["self", "outs", "msg", "display_id", "cell_index"]),
    (NotebookClient, "handle_comm_msg", ["self", "outs", "msg", "cell_index"]),
    (NotebookClient, "async_start_new_kernel_client", ["self"]),
    (NotebookClient, "_async_handle_timeout", ["self", "timeout", "cell"]),
    (KernelClient, "_handle_kernel_info_reply", ["self", "msg"]),
    (LocalProvisioner, "_finalize_env", ["self", "env"]),
    (LocalProvisioner, "launch_kernel", ["self", "cmd", "kwargs"]),
    (LocalProvisioner, "pre_launch", ["self", "kwargs"]),
    (LocalProvisioner, "cleanup", ["self", "restart"]),
    # grader/plugin/scheduling.py and tests/conftest.py: a scope from a node id
    (LoadScopeScheduling, "_split_scope", ["self", "nodeid"]),
]

# The kit's subclasses and the library classes whose methods they replace.
OVERRIDES = [(GradingClient, NotebookClient), (GradingProvisioner, LocalProvisioner),
             (ForkProvisioner, LocalProvisioner)]


@pytest.mark.parametrize(("owner", "name", "parameters"), RELIED_ON,
                         ids=[f"{owner.__name__}.{name}" for owner, name, _ in RELIED_ON])
def test_a_private_method_the_kit_relies_on_still_exists_with_its_parameters(
        owner: type, name: str, parameters: list[str] | None) -> None:
    assert hasattr(owner, name), f"{owner.__module__}.{owner.__name__}.{name} is gone"
    if parameters is not None:
        found = list(inspect.signature(getattr(owner, name)).parameters)
        assert found == parameters, f"{owner.__name__}.{name} now takes {found}"


def test_nbclient_still_keeps_the_poll_task_the_liveness_override_cancels() -> None:
    assert "self.task_poll_for_reply = " in inspect.getsource(NotebookClient.async_execute_cell)


@pytest.mark.parametrize(("subclass", "base"), OVERRIDES,
                         ids=[subclass.__name__ for subclass, _ in OVERRIDES])
def test_each_override_takes_the_parameters_of_the_method_it_replaces(subclass: type,
                                                                      base: type) -> None:
    for name, method in vars(subclass).items():
        if not callable(method) or name.startswith("__") or not hasattr(base, name):
            continue
        ours = list(inspect.signature(method).parameters)
        theirs = list(inspect.signature(getattr(base, name)).parameters)
        assert ours == theirs, f"{subclass.__name__}.{name} takes {ours}, the library {theirs}"
