"""互动回应专项检查: test letters sent to site mailboxes and their replies."""
