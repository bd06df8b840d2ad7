"""The workspace's views, one module per area; each makes its blueprint
with ``survey.workspace.shell.workspace_blueprint``."""
