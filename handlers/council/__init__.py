"""The youth council: members, meeting-date polls, meetings and what they decide."""
