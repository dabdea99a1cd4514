"""Printing: plain data turned into HTML and PDF, and the report-batch worker.

- ``pdf``: HTML → PDF with WeasyPrint in limited worker processes, fetching only the
  bundled assets.
- ``reports``: progress reports as HTML and PDF, with the encrypted cache of PDFs.
- ``safety_plan_card``: the one-page safety-plan card.
- ``batches``: starting a report batch (queued by the worker's dotted name).
- ``batch_jobs``: the worker that prints a batch into one encrypted ZIP (builds its own
  app under RQ, so no view imports it).

Services assemble the data and do the database work; this package translates, formats
numbers, fills the templates and renders.
"""
