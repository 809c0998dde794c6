using Iess.Identity.Recovery;
using Iess.Identity.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Iess.Identity.Tests.Recovery;

/// <summary>The security-image grid teaches nothing by repetition: the same images in the same order on every attempt.</summary>
[Collection(RecoveryCollection.Name)]
public sealed class ImageGridTests(RecoveryServerFixture fixture)
{
    private const int Attempts = 5;

    [Fact]
    public async Task ImageGrid_KnownCedulaOverFiveFlows_IsIdenticalAndHoldsTheRegisteredImage()
    {
        var grids = new List<IReadOnlyList<int>>();
        for (var i = 0; i < Attempts; i++)
        {
            using var browser = fixture.Browser();
            var recovery = new RecoveryDriver(browser);
            Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await recovery.IdentifyAsync(DemoAccounts.AffiliateCedula)));
            Assert.Equal("/Recovery/Image", RecoveryDriver.Location(await recovery.DateOfBirthAsync(RecoveryServerFixture.KnownDateOfBirth)));
            grids.Add(await recovery.GridAsync());
        }

        Assert.Equal(9, grids[0].Distinct().Count());
        Assert.Contains(6, grids[0]);
        Assert.All(grids, grid => Assert.Equal(grids[0], grid));
    }

    [Fact]
    public async Task ImageGrid_UnknownCedulaOverFiveFlows_IsIdentical()
    {
        // A person who is not registered never passes the knowledge step, so the image page cannot be reached for an
        // unknown cédula (asserted below). The grid it would show is still computed by the same code: each phantom flow
        // is started through the real identify page (so its identifier hash is the server's own), and then
        // RecoveryService.GridAsync — what the image page calls — renders its grid. Both the phantom's decoys and the
        // image standing in for the missing registered one come from the keyed hash, so the grid must not vary.
        const string unknownCedula = "0134206424";
        var grids = new List<IReadOnlyList<int>>();
        for (var i = 0; i < Attempts; i++)
        {
            using var browser = fixture.Browser();
            var recovery = new RecoveryDriver(browser);
            Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await recovery.IdentifyAsync(unknownCedula)));
            Assert.Equal("/Recovery/Know", RecoveryDriver.Location(await browser.Http.GetAsync("/Recovery/Image")));
            var flow = await fixture.FlowOfAsync(browser);
            Assert.Null(flow.UserId);

            await using var scope = fixture.Server.CreateScope();
            var grid = await scope.ServiceProvider.GetRequiredService<RecoveryService>().GridAsync(flow);
            grids.Add(grid.Select(image => image.Id).ToList());
        }

        Assert.Equal(9, grids[0].Distinct().Count());
        Assert.All(grids, grid => Assert.Equal(grids[0], grid));
    }
}
