"""Customer satisfaction on every channel: the survey asked when an agent's conversation
ends, and the ratings that come back (a texted digit, a signed mail link, a Slack button, a
keypad press, the widget's stars) as one `CsatRated` each, which the KPIs count alike."""
