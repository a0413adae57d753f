"""Follow-ups that happen (issue 17, item 6): wrap-up's *follow up on* / *call back at*
schedules a follow-up; at its time the `follow-ups` loop brings the conversation back into
routing for the same agent, with the wrap-up note. docs/inbox.md tells the whole story."""
