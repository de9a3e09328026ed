"""discounts: a manual discount on a quotation or order, at once within threshold, else an approval request."""
