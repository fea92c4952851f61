namespace Inspecta.Reporting;

/// <summary>How the HTML report is rendered.</summary>
public sealed record ReportOptions
{
    /// <summary>Longest side of gallery thumbnails embedded in the HTML, in pixels.</summary>
    public int ThumbnailSize { get; init; } = 200;
    public int ThumbnailQuality { get; init; } = 80;
    /// <summary>Also write full-size views beside the HTML (<c>&lt;name&gt;_files/</c>) and link the thumbnails to them.</summary>
    public bool FullSizeImages { get; init; } = true;
    public int FullSizeQuality { get; init; } = 90;
    /// <summary>Images rendered in parallel; each holds a few full-size pictures in memory.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;
}

/// <summary>What <see cref="HtmlReportWriter.Write"/> produced.</summary>
public sealed record ReportResult(string HtmlPath, long HtmlBytes, string? FilesDirectory, int FullSizeFiles, int Items);
