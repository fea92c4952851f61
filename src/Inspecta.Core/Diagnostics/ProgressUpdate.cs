namespace Inspecta;

/// <summary>Progress of a long library operation; the CLI renders it as a bar or a log line.</summary>
/// <param name="Stage">Short human name of the current stage, e.g. "features", "coreset".</param>
public readonly record struct ProgressUpdate(string Stage, long Done, long Total);
