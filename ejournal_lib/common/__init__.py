"""What every topic shares: errors that name file, row and column; YAML without surprises; the project root;
the label catalogue and Norwegian formatting; municipalities and population; reading table files; schema
validation; identity numbers in every typed form; disclosure control within and across publications
(``disclosure``, ``disclosure_registry``); and processed tables on disk."""
