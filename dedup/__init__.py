"""dedup: find and cluster near-duplicate news articles, copies and rewrites alike."""

from .cluster import Cluster, Member
from .document import Document, Problem
from .scan import ScanOptions, ScanResult, scan

__version__ = "0.1.0"
__all__ = ["Cluster", "Document", "Member", "Problem", "ScanOptions", "ScanResult", "__version__", "scan"]
