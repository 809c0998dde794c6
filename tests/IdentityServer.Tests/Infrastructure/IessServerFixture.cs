namespace Iess.Identity.Tests.Infrastructure;

/// <summary>One running server shared by the tests of a class (start-up and seeding are the slow part).</summary>
public sealed class IessServerFixture : IAsyncLifetime
{
    public IessServerFactory Factory { get; } = new();

    public Uri BaseAddress => Factory.BaseAddress;

    public Task InitializeAsync()
    {
        _ = Factory.BaseAddress;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
