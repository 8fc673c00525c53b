"""ETL: official spreadsheets -> validated, normalised facts -> an atomically published DuckDB snapshot."""
