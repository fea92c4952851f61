using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Inspecta.Geometry.Features;
using Inspecta.Geometry.IO;

namespace Inspecta.Cli.Commands;

/// <summary><c>inspecta pc info|fpfh|convert</c>: point-cloud utilities.</summary>
internal static class PcCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("pc", "Point-cloud utilities: inspect files, compute FPFH descriptors, convert formats (PCD, PLY, XYZ/TXT, MVTec 3D-AD xyz TIFF).");
        command.Subcommands.Add(Info(console));
        command.Subcommands.Add(FpfhCommand(console));
        command.Subcommands.Add(Convert(console));
        return command;
    }

    private static Command Info(CliConsole console)
    {
        var file = new Argument<string>("file") { Description = "A .pcd, .ply, .xyz/.txt/.pts or .tif/.tiff file." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var cmd = new Command("info", "Show points, fields, organisation and bounds of a point-cloud file.") { file, json };
        cmd.SetAction(parse =>
        {
            var info = PointCloudInfo.Describe(parse.GetValue(file)!);
            if (parse.GetValue(json))
            {
                console.WriteJson(new JsonObject
                {
                    ["path"] = info.Path,
                    ["format"] = info.Format,
                    ["encoding"] = info.Encoding,
                    ["points"] = info.Points,
                    ["finitePoints"] = info.FinitePoints,
                    ["width"] = info.Width,
                    ["height"] = info.Height,
                    ["organized"] = info.Height > 1,
                    ["fields"] = new JsonArray(info.Fields.Select(f => (JsonNode)f).ToArray()),
                    ["normals"] = info.HasNormals,
                    ["colors"] = info.HasColors,
                    ["labels"] = info.HasLabels,
                    ["anomalousPoints"] = info.AnomalousPoints,
                    ["min"] = Vec(info.Min),
                    ["max"] = Vec(info.Max),
                    ["viewpoint"] = Vec(info.Viewpoint.Origin),
                });
                return CliApp.Ok;
            }
            var o = console.Out;
            o.WriteLine($"{info.Path}");
            o.WriteLine($"  format:   {info.Format}{(info.Encoding is null ? "" : $" ({info.Encoding})")}");
            o.WriteLine($"  points:   {info.Points} ({info.FinitePoints} finite){(info.Height > 1 ? $", organised {info.Width}×{info.Height}" : "")}");
            o.WriteLine($"  fields:   {string.Join(' ', info.Fields)}");
            o.WriteLine($"  normals:  {(info.HasNormals ? "yes" : "no")}, colours: {(info.HasColors ? "yes" : "no")}, labels: {(info.HasLabels ? $"yes ({info.AnomalousPoints} anomalous)" : "no")}");
            o.WriteLine(FormattableString.Invariant($"  bounds:   [{info.Min.X:G6}, {info.Max.X:G6}] × [{info.Min.Y:G6}, {info.Max.Y:G6}] × [{info.Min.Z:G6}, {info.Max.Z:G6}]"));
            return CliApp.Ok;
        });
        return cmd;
    }

    private static Command FpfhCommand(CliConsole console)
    {
        var input = new Option<string>("--input", "-i") { Description = "Input cloud (.pcd, .ply, .xyz/.txt, .tiff).", Required = true };
        var radius = new Option<float>("--feature-radius") { Description = "FPFH neighbourhood radius (points strictly closer count).", Required = true };
        var normalRadius = new Option<float?>("--normal-radius") { Description = "Radius for PCA normals; needed when the input carries no normals (input normals are used as given)." };
        var maxNn = new Option<int?>("--max-nn") { Description = "Use at most this many nearest neighbours within the feature radius (Open3D max_nn). Default: all." };
        var normalMaxNn = new Option<int?>("--normal-max-nn") { Description = "At most this many neighbours for normal estimation. Default: all within the normal radius." };
        var viewpoint = new Option<string?>("--viewpoint") { Description = "x,y,z that estimated normals face (default: the file's viewpoint, else the origin)." };
        var weighting = new Option<string>("--weighting") { Description = "Neighbour weight: 'inverse-squared' (PCL/Open3D, default) or 'inverse' (1/distance as printed in the paper).", DefaultValueFactory = _ => "inverse-squared" };
        var output = new Option<string>("--out", "-o") { Description = "Output text file: one point's 33 values per line, input order.", Required = true };
        var cmd = new Command("fpfh", "Compute 33-d FPFH descriptors (Rusu et al., as PCL/Open3D: groups sum to 200) for every point.")
        { input, radius, normalRadius, maxNn, normalMaxNn, viewpoint, weighting, output };
        cmd.SetAction(parse =>
        {
            string inPath = parse.GetValue(input)!;
            var cloud = PointCloudIO.Read(inPath);
            if (cloud.Count == 0) throw InspectaUserException.ForFile(inPath, "holds no points: there is nothing to compute FPFH descriptors for (check the export that wrote it).");
            var settings = new FpfhSettings
            {
                FeatureRadius = parse.GetValue(radius),
                NormalRadius = parse.GetValue(normalRadius),
                MaxNeighbours = parse.GetValue(maxNn) ?? int.MaxValue,
                NormalMaxNeighbours = parse.GetValue(normalMaxNn) ?? int.MaxValue,
                Viewpoint = parse.GetValue(viewpoint) is { } vp ? ParseVector(vp, "--viewpoint") : null,
                Weighting = parse.GetValue(weighting) switch
                {
                    "inverse-squared" => FpfhWeighting.InverseSquaredDistance,
                    "inverse" => FpfhWeighting.InverseDistance,
                    var w => throw new InspectaUserException($"--weighting must be 'inverse-squared' or 'inverse', got '{w}'."),
                },
            };
            var sw = Stopwatch.StartNew();
            var result = FpfhExtractor.Run(cloud, settings);
            string outPath = parse.GetValue(output)!;
            FeatureText.Write(outPath, result.Features, Fpfh.Dimensions);
            console.Info(FormattableString.Invariant(
                $"FPFH of {cloud.Count} points ({(result.NormalsFromInput ? "normals from the input" : $"normals estimated, radius {settings.NormalRadius}")}; {result.MeanNeighbours:F1} neighbours on average, {result.PointsWithoutNeighbours} without any) in {sw.Elapsed.TotalSeconds:F2} s → {outPath}"));
            return CliApp.Ok;
        });
        return cmd;
    }

    private static Command Convert(CliConsole console)
    {
        var input = new Argument<string>("input") { Description = "Input cloud (.pcd, .ply, .xyz/.txt/.pts, .tiff)." };
        var output = new Argument<string>("output") { Description = "Output cloud (.pcd, .ply, .xyz/.txt/.pts); format by extension." };
        var encoding = new Option<string>("--encoding") { Description = "PCD: ascii | binary | binary_compressed. PLY: ascii | binary_little_endian | binary_big_endian. Default: binary (little endian).", DefaultValueFactory = _ => "binary" };
        var cmd = new Command("convert", "Convert a point cloud between formats, keeping normals, colours, labels and scalar fields.") { input, output, encoding };
        cmd.SetAction(parse =>
        {
            string enc = parse.GetValue(encoding)!;
            string outPath = parse.GetValue(output)!;
            RequireEncodingFor(outPath, enc);
            var cloud = PointCloudIO.Read(parse.GetValue(input)!);
            var options = new PointCloudWriteOptions
            {
                PcdEncoding = enc switch { "ascii" => PcdEncoding.Ascii, "binary_compressed" => PcdEncoding.BinaryCompressed, "binary" or "binary_little_endian" or "binary_big_endian" => PcdEncoding.Binary, _ => throw new InspectaUserException($"unknown --encoding '{enc}'.") },
                PlyEncoding = enc switch { "ascii" => PlyEncoding.Ascii, "binary_big_endian" => PlyEncoding.BinaryBigEndian, _ => PlyEncoding.BinaryLittleEndian },
            };
            PointCloudIO.Write(outPath, cloud, options);
            console.Info($"wrote {cloud.Count} points to {outPath}");
            return CliApp.Ok;
        });
        return cmd;
    }

    /// <summary>Each format has its own encodings; one the output format lacks is an error, not silently another.</summary>
    private static void RequireEncodingFor(string outPath, string encoding)
    {
        string ext = Path.GetExtension(outPath).ToLowerInvariant();
        string[] allowed = ext switch
        {
            ".pcd" => ["binary", "ascii", "binary_compressed"],
            ".ply" => ["binary", "ascii", "binary_little_endian", "binary_big_endian"],
            _ => ["binary"], // text formats have no encoding; "binary" is only the default
        };
        if (!allowed.Contains(encoding))
            throw new InspectaUserException(ext is ".pcd" or ".ply"
                ? $"--encoding {encoding} does not exist for {ext} files; use one of: {string.Join(", ", allowed)}."
                : $"--encoding does not apply to {(ext.Length > 0 ? ext : "extension-less")} output ({outPath}); it is a text format.");
    }

    private static Vector3 ParseVector(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 3 || !parts.All(p => float.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            throw new InspectaUserException($"{option} must be three numbers x,y,z, got '{text}'.");
        return new Vector3(float.Parse(parts[0], CultureInfo.InvariantCulture), float.Parse(parts[1], CultureInfo.InvariantCulture), float.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    private static JsonArray Vec(Vector3 v) => new(Num(v.X), Num(v.Y), Num(v.Z));
    private static JsonNode? Num(float f) => float.IsFinite(f) ? JsonValue.Create(f) : null;
}
