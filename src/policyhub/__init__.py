"""PolicyHub: Changsha's cybersecurity industry policy (长政办发〔2019〕30号) as a platform."""

__version__ = "0.1.0"
