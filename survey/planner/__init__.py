"""The planners' workspace: accounts, surveys, letters, fieldwork, data entry, exports."""
