using Iess.Identity.Tests.Infrastructure;

namespace Iess.Identity.Tests.Recovery;

public sealed class RestartTests
{
    [Fact]
    public async Task RecoveryFlow_StartedBeforeARestart_ContinuesOnTheNewServerProcess()
    {
        var folder = Directory.CreateTempSubdirectory("iess-restart-").FullName;
        var connection = $"Data Source={Path.Combine(folder, "iess.db")}";
        var keys = Path.Combine(folder, "keys");
        var first = new IessServerFactory()
            .WithSetting("Iess:Database:ConnectionString", connection)
            .WithSetting("Iess:Connect:DevelopmentKeyFolder", keys);
        using var browser = new FormClient(first.BaseAddress);
        var driver = new RecoveryDriver(browser);
        Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await driver.IdentifyAsync(DemoAccounts.AffiliateCedula)));
        Assert.Equal("/Recovery/Image", RecoveryDriver.Location(await driver.DateOfBirthAsync("1985-03-14")));
        await first.DisposeAsync();

        // A new process on the same database: nothing of the flow lived in the old one's memory.
        await using var second = new IessServerFactory()
            .WithSetting("Iess:Database:ConnectionString", connection)
            .WithSetting("Iess:Connect:DevelopmentKeyFolder", keys);
        using var sameBrowser = new FormClient(second.BaseAddress, browser.Cookies);
        var again = new RecoveryDriver(sameBrowser);

        Assert.Contains(6, await again.GridAsync());
        Assert.Equal("/Recovery/Channel", RecoveryDriver.Location(await again.PickImageAsync(6)));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}
