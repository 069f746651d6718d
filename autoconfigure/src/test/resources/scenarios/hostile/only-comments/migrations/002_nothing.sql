-- This migration was squashed into 001.
/* nothing to do; not even a semicolon */
-- ;
