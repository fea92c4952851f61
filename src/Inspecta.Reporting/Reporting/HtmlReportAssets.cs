namespace Inspecta.Reporting;

/// <summary>The report's inline stylesheet and script (no external resources: the file works offline).</summary>
internal static class HtmlReportAssets
{
    public const string Css = """
        :root { --fg:#1d2330; --muted:#5b6475; --line:#dde1e8; --bg:#f6f7f9; --bad:#c62828; --warn:#ef6c00; --ok:#2e7d32; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
        header.top { padding: 18px 28px; background: #fff; border-bottom: 1px solid var(--line); }
        h1 { margin: 0 0 6px; font-size: 22px; }
        h2 { font-size: 17px; margin: 0 0 12px; }
        section { margin: 18px 28px; padding: 16px 20px; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
        dl.context { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 0; color: var(--muted); }
        dl.context dt { font-weight: 600; } dl.context dt::after { content: ":"; } dl.context dd { margin: 0 0 0 4px; }
        dl.context div { display: flex; }
        table.metrics { border-collapse: collapse; min-width: 420px; }
        table.metrics th, table.metrics td { text-align: left; padding: 4px 14px 4px 0; border-bottom: 1px solid var(--line); }
        table.metrics td.v { font-variant-numeric: tabular-nums; font-weight: 600; }
        table.metrics td.n { color: var(--muted); }
        .plots { display: flex; flex-wrap: wrap; gap: 12px; }
        .plots figure { margin: 0; } .plots img { width: 420px; height: auto; border: 1px solid var(--line); }
        .filters { display: flex; flex-wrap: wrap; align-items: center; gap: 18px; margin-bottom: 12px; }
        .colorbar { display: flex; align-items: center; gap: 6px; color: var(--muted); }
        .colorbar img { width: 220px; height: 12px; border: 1px solid var(--line); }
        #items { display: flex; flex-direction: column; gap: 10px; }
        .item { display: flex; gap: 14px; align-items: flex-start; padding: 8px; border: 1px solid var(--line); border-left: 5px solid var(--line); border-radius: 6px; }
        .item[hidden] { display: none; }
        .item.missed { border-left-color: var(--bad); } .item.false-alarm { border-left-color: var(--warn); }
        .item.detected, .item.ok { border-left-color: var(--ok); }
        .meta { width: 170px; flex: none; }
        .meta .id { font-weight: 600; word-break: break-all; }
        .meta .verdict { display: inline-block; margin-top: 4px; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; }
        .missed .verdict { background: var(--bad); } .false-alarm .verdict { background: var(--warn); }
        .detected .verdict, .ok .verdict { background: var(--ok); }
        .meta .score { font-variant-numeric: tabular-nums; }
        .views { display: flex; flex-wrap: wrap; gap: 8px; }
        .views figure { margin: 0; } .views figcaption { font-size: 12px; color: var(--muted); }
        .views img { display: block; border: 1px solid var(--line); }
        p.note { color: var(--muted); margin: 8px 0 0; }
        """;

    /// <summary>Filters the gallery by defect type and by "errors only"; keeps a visible-count label.</summary>
    public const string Script = """
        (() => {
          const type = document.getElementById('filter-type');
          const errors = document.getElementById('filter-errors');
          const shown = document.getElementById('shown-count');
          const items = Array.from(document.querySelectorAll('#items .item'));
          function apply() {
            let n = 0;
            for (const item of items) {
              const visible = (type.value === '' || item.dataset.label === type.value)
                && (!errors.checked || item.dataset.error === '1');
              item.hidden = !visible;
              if (visible) n++;
            }
            shown.textContent = n + ' of ' + items.length + ' shown';
          }
          type.addEventListener('change', apply);
          errors.addEventListener('change', apply);
          apply();
        })();
        """;
}
