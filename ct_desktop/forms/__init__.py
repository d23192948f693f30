"""Form definitions as data (per service type, versioned) and their validation."""
