using System.CommandLine;
using System.Text.Json.Nodes;
using Inspecta.Features;

namespace Inspecta.Cli.Commands;

/// <summary><c>inspecta models pull|add|list</c>: manage the backbone cache.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("models", $"Manage the backbone cache ({ModelCache.EnvironmentVariable} or ~/.cache/inspecta/models).");
        command.Subcommands.Add(Pull(console));
        command.Subcommands.Add(Add(console));
        command.Subcommands.Add(List(console));
        return command;
    }

    private static Command Pull(CliConsole console)
    {
        var url = new Argument<string>("url") { Description = "http(s) URL of the ONNX file." };
        var sha = new Option<string>("--sha256") { Description = "Expected SHA-256 (hex); the download is discarded if it differs.", Required = true };
        var name = new Option<string?>("--name") { Description = "Preset or file name to store it under (default: the URL's file name)." };
        var cmd = new Command("pull", "Download a backbone into the cache, verify its SHA-256, then move it into place.") { url, sha, name };
        cmd.SetAction(parse =>
        {
            string u = parse.GetValue(url)!;
            if (!Uri.TryCreate(u, UriKind.Absolute, out var uri)) throw new InspectaUserException($"'{u}' is not an absolute URL.");
            string path = console.RunWithProgress("pull", p =>
                ModelDownloader.PullAsync(uri, parse.GetValue(sha)!, parse.GetValue(name), progress: p).GetAwaiter().GetResult());
            console.Out.WriteLine($"saved {path} (SHA-256 verified)");
            return CliApp.Ok;
        });
        return cmd;
    }

    private static Command Add(CliConsole console)
    {
        var file = new Argument<string>("file") { Description = "Local ONNX backbone file." };
        var name = new Option<string?>("--name") { Description = "Preset or file name to store it under (default: the file's name)." };
        var force = new Option<bool>("--force") { Description = "Replace a different file cached under the same name." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var cmd = new Command("add", "Copy a local ONNX backbone into the cache (with its SHA-256), so models fitted with it find it by hash.") { file, name, force, json };
        cmd.SetAction(parse =>
        {
            string source = parse.GetValue(file)!;
            // Refuse what ONNX Runtime cannot open before it lands in the cache.
            using (OnnxBackbone.Open(Path.GetFullPath(source))) { }
            var (path, sha) = ModelCache.Add(source, parse.GetValue(name), parse.GetValue(force));
            if (parse.GetValue(json)) console.WriteJson(new JsonObject { ["path"] = path, ["sha256"] = sha });
            else console.Out.WriteLine($"added {path} (SHA-256 {sha})");
            return CliApp.Ok;
        });
        return cmd;
    }

    /// <summary>The package file the built-in backbone derives from, or null when the package is not on this machine.</summary>
    private static string? PackageFile()
    {
        try { return ResNet18Package.Locate().Model; }
        catch (InspectaUserException) { return null; }
    }

    private static Command List(CliConsole console)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var cmd = new Command("list", "List cached backbones and the known presets.") { json };
        cmd.SetAction(parse =>
        {
            var cached = ModelDownloader.List();
            if (parse.GetValue(json))
            {
                console.WriteJson(new JsonObject
                {
                    ["cache"] = ModelCache.Directory,
                    ["models"] = new JsonArray(cached.Select(m => (JsonNode)new JsonObject { ["path"] = m.Path, ["bytes"] = m.Bytes, ["preset"] = m.Preset }).ToArray()),
                    ["presets"] = new JsonArray(BackbonePreset.All.Select(p => (JsonNode)new JsonObject
                    {
                        ["name"] = p.Name, ["file"] = p.FileName, ["layers"] = new JsonArray(p.Layers.Select(l => (JsonNode)l).ToArray()),
                        ["cached"] = cached.Any(c => c.Preset == p.Name),
                        ["built_in"] = p.BuiltIn,
                        ["source"] = p.Source,
                        ["package_file"] = p.BuiltIn ? PackageFile() : null,
                    }).ToArray()),
                });
                return CliApp.Ok;
            }
            console.Out.WriteLine($"cache: {ModelCache.Directory}");
            foreach (var m in cached) console.Out.WriteLine($"  {Path.GetFileName(m.Path),-40} {m.Bytes / 1048576.0,8:F1} MB  {m.Preset ?? "(custom)"}");
            if (cached.Count == 0) console.Out.WriteLine("  (empty)");
            console.Out.WriteLine("presets:");
            foreach (var p in BackbonePreset.All)
            {
                string state = cached.Any(c => c.Preset == p.Name) ? "cached " : p.BuiltIn ? "derives on first use" : "missing";
                console.Out.WriteLine($"  {p.Name,-34} {state}  {p.Source}");
                if (p.BuiltIn)
                    console.Out.WriteLine($"  {"",-34} package file: {PackageFile() ?? $"NOT FOUND ({ResNet18Package.Id} {ResNet18Package.Version} was never restored on this machine; run `dotnet restore`)"}");
            }
            return CliApp.Ok;
        });
        return cmd;
    }
}
