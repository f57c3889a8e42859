"""Running the platform: configuration checks, demo data and (later) the admin dashboard's services."""
