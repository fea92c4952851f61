using Microsoft.OpenApi;

namespace Inspecta.Server.Api;

/// <summary>
/// The request bodies of the predict endpoints in the OpenAPI document. They are read by hand (raw or multipart, the
/// format from the bytes), so ASP.NET cannot infer them, and declaring them with <c>Accepts</c> would make routing refuse
/// other content types with 415.
/// </summary>
internal static class OpenApiBodies
{
    public static Task Images(OpenApiOperation operation, IEnumerable<string> contentTypes)
    {
        var body = new OpenApiRequestBody { Required = true, Description = "The image bytes (raw body), or multipart/form-data file part(s).", Content = new Dictionary<string, OpenApiMediaType>() };
        foreach (string type in contentTypes)
        {
            var schema = type == "multipart/form-data"
                ? new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema> { ["image"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                }
                : new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
            body.Content[type] = new OpenApiMediaType { Schema = schema };
        }
        operation.RequestBody = body;
        return Task.CompletedTask;
    }
}
