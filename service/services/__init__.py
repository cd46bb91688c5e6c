"""Services own the rules, the queries and the single commit of each operation."""
