using System.Security.Cryptography;
using System.Text;
using Iess.Identity.Recovery;

namespace Iess.Identity.Employers;

/// <summary>
/// The security profile an employer branch that has no account appears to have: whether it shows the image step and
/// which image of its grid "is" its image. Derived from a keyed hash of the RUC and branch, so it is the same on every
/// attempt and looks like any real branch (some have an image, some do not).
/// </summary>
public static class PhantomProfile
{
    public static (bool HasImage, int ImageId) For(byte[] gridKey, string identifierHash, int gridSize)
    {
        var seed = HMACSHA256.HashData(gridKey, Encoding.UTF8.GetBytes("employer-phantom:" + identifierHash));
        var grid = SecurityImages.Grid(gridKey, identifierHash, null, gridSize);
        return ((seed[0] & 1) == 1, grid[seed[1] % grid.Count].Id);
    }
}
