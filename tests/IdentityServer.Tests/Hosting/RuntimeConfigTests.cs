using System.Text.Json;

namespace Iess.Identity.Tests.Hosting;

/// <summary>
/// The runtime settings the built server starts with (its <c>.runtimeconfig.json</c>), as a node launched with
/// <c>dotnet Iess.IdentityServer.dll</c> reads them.
/// </summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public void Server_RunsWithTheWorkstationGarbageCollector_ByDefault()
    {
        // The Web SDK turns Server GC on unless the project says otherwise; a misspelt MSBuild property is ignored
        // silently, which is how the server ran with Server GC (30-60 MB more resident under load on 2 cores) while
        // the project file claimed the opposite.
        var path = Path.ChangeExtension(typeof(Program).Assembly.Location, ".runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty("System.GC.Server", out var serverGc), $"{path} does not set System.GC.Server");
        Assert.False(serverGc.GetBoolean());
    }
}
