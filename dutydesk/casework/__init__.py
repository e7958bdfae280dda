"""What happens after the referral (issue 12)."""
