"""Figures -> documents: charts (matplotlib Figure objects) and the writers of
the input report (JSON, HTML, PDF, XLSX), all from one report model."""
