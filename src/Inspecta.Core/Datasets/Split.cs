namespace Inspecta.Datasets;

public enum Split { Train, Validation, Test }
