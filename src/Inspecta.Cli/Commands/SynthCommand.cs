using System.CommandLine;
using System.Text.Json.Nodes;
using Inspecta.Geometry.Meshes;
using Inspecta.Synthesis.ThreeD;
using Inspecta.Synthesis.ThreeD.Scan;
using Inspecta.Synthesis.ThreeD.Shapes;
using Inspecta.Synthesis.TwoD;

namespace Inspecta.Cli.Commands;

/// <summary><c>inspecta synth 2d|3d …</c>: generate synthetic inspection datasets, deterministic by seed.</summary>
internal static class SynthCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("synth", "Generate synthetic inspection datasets (2D images, 3D point clouds and scans) with exact ground truth; the same seed gives the same files.");
        command.Subcommands.Add(Create2D(console));
        command.Subcommands.Add(Create3D(console));
        return command;
    }

    private static Option<string> OutOption() => new("--out", "-o") { Description = "Output folder (created if missing).", Required = true };
    private static Option<ulong> SeedOption() => new("--seed") { Description = "Random seed; the same seed gives byte-identical output.", DefaultValueFactory = _ => 1UL };
    private static Option<bool> JsonOption() => new("--json") { Description = "Print a machine-readable summary." };

    private static Command Create2D(CliConsole console)
    {
        var outOpt = OutOption();
        var categories = new Option<string[]>("--categories", "-c")
        {
            Description = $"Categories to generate (default: all): {string.Join(", ", Synth2DGenerator.Categories.Select(c => c.Name))}.",
            AllowMultipleArgumentsPerToken = true,
        };
        var count = new Option<int>("--count", "-n") { Description = "Good training images per category (test sets scale with it).", DefaultValueFactory = _ => 40 };
        var testCount = new Option<int?>("--test-count") { Description = "Test images per defect type (default: count/5, at least 2)." };
        var seed = SeedOption();
        var size = new Option<int>("--size") { Description = "Image side in pixels.", DefaultValueFactory = _ => 256 };
        var json = JsonOption();
        var cmd = new Command("2d", "Procedural textures (weave, marble, tiles) and objects (flange, screw, assembly) with scratches, cracks, holes, contamination, colour defects, deformations, missing parts; the assembly gets logical anomalies in MVTec LOCO AD layout.");
        foreach (var o in new Option[] { outOpt, categories, count, testCount, seed, size, json }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var selected = Names(parse.GetValue(categories)).Select(Synth2DGenerator.GetCategory).ToList();
            if (selected.Count == 0) selected = Synth2DGenerator.Categories.ToList();
            var options = new Synth2DOptions { Seed = parse.GetValue(seed), Size = parse.GetValue(size), TrainCount = parse.GetValue(count), TestPerDefect = parse.GetValue(testCount) };
            options.Validate();
            string outDir = Path.GetFullPath(parse.GetValue(outOpt)!);
            bool asJson = parse.GetValue(json);
            console.RunWithProgress("synth 2d", p => Synth2DWriter.Write(outDir, selected, options, p), logToStderr: asJson);
            var generator = new Synth2DGenerator(options);
            var summary = new JsonArray();
            foreach (var c in selected)
            {
                var plan = generator.Plan(c);
                summary.Add(new JsonObject
                {
                    ["category"] = c.Name,
                    ["layout"] = c.IsLoco ? "mvtec_loco" : "mvtec_ad",
                    ["path"] = Path.Combine(outDir, c.Name),
                    ["train"] = plan.Count(p => p.Split == Inspecta.Datasets.Split.Train),
                    ["test"] = plan.Count(p => p.Split == Inspecta.Datasets.Split.Test),
                    ["defects"] = new JsonArray(c.DefectTypes.Concat(c.LogicalTypes).Select(d => (JsonNode)d).ToArray()),
                });
            }
            if (asJson) console.WriteJson(new JsonObject { ["out"] = outDir, ["seed"] = options.Seed, ["size"] = options.Size, ["categories"] = summary });
            else foreach (var c in summary) console.Info($"{c!["category"],-10} {c["layout"],-11} train {c["train"],4}  test {c["test"],4}  → {c["path"]}");
            return CliApp.Ok;
        });
        return cmd;
    }

    private static Command Create3D(CliConsole console)
    {
        var outOpt = OutOption();
        var style = new Option<string>("--style") { Description = "anomaly-shapenet (point clouds from carved meshes) or mvtec3d (RGB + organised xyz scans).", DefaultValueFactory = _ => "anomaly-shapenet" };
        style.AcceptOnlyFromAmong("anomaly-shapenet", "mvtec3d");
        var classes = new Option<string[]>("--classes", "-c")
        {
            Description = $"Classes (default: all). anomaly-shapenet: {string.Join(", ", ShapeCatalog3D.All.Select(c => c.Name))}; mvtec3d: {string.Join(", ", ScanObjectClass.All.Select(c => c.Name))}.",
            AllowMultipleArgumentsPerToken = true,
        };
        var meshes = new Option<string?>("--meshes") { Description = "anomaly-shapenet: folder of your own meshes (OFF, PLY, OBJ, STL); each file becomes a class." };
        var count = new Option<int?>("--count", "-n") { Description = "mvtec3d: good training scans per class (default 40); anomaly-shapenet: templates per class (default 4)." };
        var testCount = new Option<int?>("--test-count") { Description = "Test samples per defect type (default: anomaly-shapenet 4, mvtec3d count/5)." };
        var normals = new Option<int?>("--normal-count") { Description = "anomaly-shapenet: defect-free test clouds per class (default 8)." };
        var points = new Option<int[]>("--points") { Description = "anomaly-shapenet: points per cloud as MIN MAX (default 8000 16000; Anomaly-ShapeNet clouds have 8000–30000).", AllowMultipleArgumentsPerToken = true };
        var size = new Option<int>("--size") { Description = "mvtec3d: image side in pixels.", DefaultValueFactory = _ => 256 };
        var seed = SeedOption();
        var json = JsonOption();
        var cmd = new Command("3d", "Anomaly-ShapeNet-style point clouds (bulge, concavity, hole, break, bending, crack carved on meshes) or MVTec 3D-AD-style scans (dent, bump, hole, cut, colour-only contamination).");
        foreach (var o in new Option[] { outOpt, style, classes, meshes, count, testCount, normals, points, size, seed, json }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            string outDir = Path.GetFullPath(parse.GetValue(outOpt)!);
            bool asJson = parse.GetValue(json);
            var names = Names(parse.GetValue(classes)).ToList();
            var summary = new JsonArray();
            if (parse.GetValue(style) == "mvtec3d")
            {
                if (parse.GetValue(meshes) is not null) throw new InspectaUserException("--meshes applies to --style anomaly-shapenet only.");
                var selected = names.Count == 0 ? ScanObjectClass.All.ToList() : names.Select(ScanObjectClass.Get).ToList();
                var options = new ScanStyleOptions { Seed = parse.GetValue(seed), Size = parse.GetValue(size), TrainCount = parse.GetValue(count) ?? 40, TestPerDefect = parse.GetValue(testCount) };
                options.Validate();
                console.RunWithProgress("synth 3d", p => ScanStyleWriter.Write(outDir, selected, options, p), logToStderr: asJson);
                var plan = new ScanStyleGenerator(options).Plan();
                foreach (var c in selected)
                    summary.Add(new JsonObject { ["class"] = c.Name, ["layout"] = "mvtec_3d", ["path"] = Path.Combine(outDir, c.Name), ["train"] = options.TrainCount, ["test"] = plan.Count(p => p.Split == Inspecta.Datasets.Split.Test) });
            }
            else
            {
                var sources = new List<ShapeSource3D>();
                string? meshDir = parse.GetValue(meshes);
                if (meshDir is not null) sources.AddRange(LoadMeshes(meshDir, names));
                else sources.AddRange((names.Count == 0 ? ShapeCatalog3D.All : names.Select(ShapeCatalog3D.Get)).Select(ShapeSource3D.Procedural));
                int[] pts = parse.GetValue(points) ?? [];
                if (pts.Length is not (0 or 2)) throw new InspectaUserException("--points takes two numbers: MIN MAX.");
                var options = new ShapeNetStyleOptions
                {
                    Seed = parse.GetValue(seed),
                    Templates = parse.GetValue(count) ?? 4,
                    TestPerDefect = parse.GetValue(testCount) ?? 4,
                    TestNormal = parse.GetValue(normals) ?? 8,
                    MinPoints = pts.Length == 2 ? pts[0] : 8_000,
                    MaxPoints = pts.Length == 2 ? pts[1] : 16_000,
                };
                options.Validate();
                console.RunWithProgress("synth 3d", p => ShapeNetStyleWriter.Write(outDir, sources, options, p), logToStderr: asJson);
                var generator = new ShapeNetStyleGenerator(options);
                foreach (var s in sources)
                {
                    var plan = generator.Plan(s.Name);
                    summary.Add(new JsonObject { ["class"] = s.Name, ["layout"] = "anomaly_shapenet", ["path"] = Path.Combine(outDir, s.Name), ["train"] = plan.Count(p => p.Split == Inspecta.Datasets.Split.Train), ["test"] = plan.Count(p => p.Split == Inspecta.Datasets.Split.Test) });
                }
            }
            if (asJson) console.WriteJson(new JsonObject { ["out"] = outDir, ["seed"] = parse.GetValue(seed), ["classes"] = summary });
            else foreach (var c in summary) console.Info($"{c!["class"],-14} {c["layout"],-17} train {c["train"],4}  test {c["test"],4}  → {c["path"]}");
            return CliApp.Ok;
        });
        return cmd;
    }

    private static IEnumerable<ShapeSource3D> LoadMeshes(string dir, IReadOnlyList<string> only)
    {
        if (!Directory.Exists(dir)) throw InspectaUserException.ForFile(dir, "mesh folder not found.");
        var files = Directory.EnumerateFiles(dir).Where(MeshIO.IsMeshFile).Order(StringComparer.Ordinal).ToList();
        if (only.Count > 0) files = files.Where(f => only.Contains(Path.GetFileNameWithoutExtension(f), StringComparer.OrdinalIgnoreCase)).ToList();
        if (files.Count == 0) throw InspectaUserException.ForFile(dir, $"no mesh files ({string.Join(", ", MeshIO.Extensions)}){(only.Count > 0 ? " matching --classes" : "")}.");
        return files.Select(f => ShapeSource3D.FromMesh(Path.GetFileNameWithoutExtension(f), MeshIO.Read(f)));
    }

    /// <summary>Accepts "a b", "a,b" and repeated options alike.</summary>
    private static IEnumerable<string> Names(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.OrdinalIgnoreCase);
}
