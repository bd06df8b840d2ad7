"""The planners' partner pages (``routes.admin_bp``). The partners' own
pages, organisations, links and receipts are in ``survey.partners``."""
