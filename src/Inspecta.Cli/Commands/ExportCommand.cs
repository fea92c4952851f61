using System.CommandLine;
using System.Text.Json.Nodes;
using Inspecta.Features;
using Inspecta.Persistence;

namespace Inspecta.Cli.Commands;

/// <summary><c>inspecta export --bundle</c>: one file to deploy, the model with its backbone inside.</summary>
internal static class ExportCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Option<string>("--model") { Description = "Model file written by `inspecta fit`.", Required = true };
        var output = new Option<string>("--out") { Description = "File to write (.inspecta).", Required = true };
        var bundle = new Option<bool>("--bundle") { Description = "Put the backbone into the file, so it predicts on a machine without the backbone." };
        var backbone = new Option<string?>("--backbone") { Description = "The backbone file, when the model's recorded one is not on this machine (must have the recorded SHA-256)." };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var cmd = new Command("export", "Package a fitted model for deployment.") { model, output, bundle, backbone, json };
        cmd.SetAction(parse =>
        {
            if (!parse.GetValue(bundle)) throw new InspectaUserException("Say what to export: --bundle (the model with its backbone in one file).");
            string outPath = parse.GetValue(output)!;
            OutputPaths.RequireWritableFile(outPath, "--out");
            if (Path.GetFullPath(outPath) == Path.GetFullPath(parse.GetValue(model)!))
                throw new InspectaUserException("--out must differ from --model (the original stays as it is).");
            var r = ModelBundle.Write(parse.GetValue(model)!, outPath, new ModelLoadOptions(parse.GetValue(backbone)));
            if (parse.GetValue(json))
                console.WriteJson(new JsonObject { ["path"] = r.Path, ["bytes"] = r.Bytes, ["backbone"] = r.Backbone, ["sha256"] = r.Sha256, ["bundled"] = r.HadBackbone });
            else
                console.Out.WriteLine(r.HadBackbone
                    ? $"wrote {r.Path} ({r.Bytes / 1048576.0:F1} MB) with backbone {r.Backbone} (SHA-256 {r.Sha256}) inside"
                    : $"wrote {r.Path} ({r.Bytes / 1048576.0:F1} MB); this method needs no backbone, so the model was already self-sufficient");
            return CliApp.Ok;
        });
        return cmd;
    }
}
