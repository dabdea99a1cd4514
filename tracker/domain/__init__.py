"""Pure rules of the domain: no Flask, no SQLAlchemy, plain values in and out."""
