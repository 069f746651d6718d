-- nothing here yet
/* kept for history */
