"""History import (import-format.md): read, check and apply a file through the services."""
