"""Reports where people read them: the page behind a signed link, its unfurl in Slack, the PDF
and spreadsheet in the thread, and the progress message while they are made."""
