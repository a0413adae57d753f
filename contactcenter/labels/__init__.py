"""Labels and custom attributes (issue 17, item 5): admin-defined, set on conversations and
customers from the console through events, used by the inbox's filter, flows' conditions and
the reports. docs/inbox.md tells the whole story."""
