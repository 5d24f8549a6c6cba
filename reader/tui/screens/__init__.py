"""The modal screens the coding screen opens: pickers, dialogs, help, statistics, export."""
