"""Documents: the files applicants upload to their applications, checked by content and audited."""
