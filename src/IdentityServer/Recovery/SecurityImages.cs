using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Iess.Identity.Recovery;

/// <summary>One security image: a shape in a colour, drawn by the project as SVG, with Spanish and English alt text.</summary>
public sealed record SecurityImage(int Id, string Spanish, string English, string Svg)
{
    public string Alt => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? English : Spanish;
}

/// <summary>
/// The 48 security images (12 shapes × 4 colours), generated here so they are licence-clean, and the grid shown
/// at the image step: the same decoys and order for an identifier on every attempt, chosen by a keyed hash.
/// </summary>
public static class SecurityImages
{
    private static readonly (string Es, string En, string Fill)[] Colours =
    [
        ("roja", "red", "#c62828"), ("azul", "blue", "#1565c0"), ("verde", "green", "#2e7d32"), ("amarilla", "yellow", "#f9a825"),
    ];

    private static readonly (string Es, string En, bool Feminine, string Body)[] Shapes =
    [
        ("Casa", "house", true, "<path d='M12 34 L32 14 L52 34 V54 H12 Z'/><rect x='28' y='40' width='8' height='14' fill='#fff'/>"),
        ("Estrella", "star", true, "<path d='M32 6 L39 25 H58 L42 37 L48 56 L32 44 L16 56 L22 37 L6 25 H25 Z'/>"),
        ("Corazón", "heart", false, "<path d='M32 56 C10 40 6 28 14 18 C22 10 30 14 32 20 C34 14 42 10 50 18 C58 28 54 40 32 56 Z'/>"),
        ("Árbol", "tree", false, "<path d='M32 6 L52 40 H12 Z'/><rect x='28' y='40' width='8' height='16'/>"),
        ("Luna", "moon", true, "<path d='M40 8 A24 24 0 1 0 56 44 A18 18 0 1 1 40 8 Z'/>"),
        ("Sol", "sun", false, "<circle cx='32' cy='32' r='12'/><g stroke-width='4' stroke='currentColor'><line x1='32' y1='4' x2='32' y2='14'/><line x1='32' y1='50' x2='32' y2='60'/><line x1='4' y1='32' x2='14' y2='32'/><line x1='50' y1='32' x2='60' y2='32'/><line x1='12' y1='12' x2='19' y2='19'/><line x1='45' y1='45' x2='52' y2='52'/><line x1='12' y1='52' x2='19' y2='45'/><line x1='45' y1='19' x2='52' y2='12'/></g>"),
        ("Nube", "cloud", true, "<path d='M18 48 A10 10 0 0 1 18 28 A14 14 0 0 1 44 24 A12 12 0 0 1 48 48 Z'/>"),
        ("Gota", "drop", true, "<path d='M32 6 C32 6 14 30 14 40 A18 18 0 0 0 50 40 C50 30 32 6 32 6 Z'/>"),
        ("Hoja", "leaf", true, "<path d='M10 54 C10 24 30 8 56 8 C56 34 40 54 10 54 Z'/>"),
        ("Llave", "key", true, "<circle cx='20' cy='32' r='12'/><rect x='30' y='29' width='26' height='6'/><rect x='48' y='35' width='4' height='8'/>"),
        ("Campana", "bell", true, "<path d='M32 8 C20 8 16 20 16 32 V42 L10 48 H54 L48 42 V32 C48 20 44 8 32 8 Z'/><circle cx='32' cy='54' r='5'/>"),
        ("Barco", "boat", false, "<path d='M8 40 H56 L48 54 H16 Z'/><path d='M30 8 V38 H12 Z'/>"),
    ];

    public static readonly IReadOnlyList<SecurityImage> All = Build();

    public static SecurityImage? Find(int id) => id >= 1 && id <= All.Count ? All[id - 1] : null;

    /// <summary>
    /// The grid for an identifier: <paramref name="registered"/> (or, for an identifier without an image, one chosen
    /// by the key) plus decoys, in an order fixed by the key, so repeating the step shows the same grid.
    /// </summary>
    public static IReadOnlyList<SecurityImage> Grid(byte[] key, string identifierHash, int? registered, int size)
    {
        var seed = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("grid:" + identifierHash));
        var order = All.Select(i => i.Id)
            .OrderBy(id => BitConverter.ToUInt64(HMACSHA256.HashData(seed, BitConverter.GetBytes(id))))
            .ToList();
        var target = registered ?? order[0];
        var picked = order.Where(id => id != target).Take(size - 1).Append(target)
            .OrderBy(id => BitConverter.ToUInt64(HMACSHA256.HashData(seed, BitConverter.GetBytes(-id))))
            .ToList();
        return picked.Select(id => All[id - 1]).ToList();
    }

    private static List<SecurityImage> Build()
    {
        var images = new List<SecurityImage>();
        foreach (var (shapeEs, shapeEn, feminine, body) in Shapes)
        {
            foreach (var (colourEs, colourEn, fill) in Colours)
            {
                var adjective = feminine || colourEs is "azul" or "verde" ? colourEs : colourEs[..^1] + "o";
                var svg = $"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 64 64' width='96' height='96' role='img' style='color:{fill}'>" +
                    $"<rect width='64' height='64' rx='8' fill='#f5f7fa'/><g fill='{fill}'>{body}</g></svg>";
                images.Add(new SecurityImage(images.Count + 1, $"{shapeEs} {adjective}", $"{colourEn} {shapeEn}", svg));
            }
        }

        return images;
    }
}
