"""Publishing: the appendix page (HTML and PDF), tables with the label catalogue's words and formats, the data
status beside every table and figure, figures, fonts and the workbook."""
