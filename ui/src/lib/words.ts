// The shop's words for core's codes: what a person reads where core hands the window a status,
// a kind or a channel. Codes stay on `data-*` attributes and in logs; screens show these.

/** "1 item", "3 items"; `many` for irregular plurals. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A status or kind code as words: "partly_shipped" → "partly shipped". */
export function words(code: string): string {
  return code.replaceAll("_", " ");
}

/** The same, starting with a capital, for a title or a badge that stands alone. */
export function title(code: string): string {
  const w = words(code);
  return w.charAt(0).toUpperCase() + w.slice(1);
}

const CHANNELS: Record<string, string> = {
  manual: "Phone / e-mail",
  counter: "Counter",
  shopify: "Shopify",
  woocommerce: "WooCommerce",
  vendure: "Vendure",
};

/** Where an order came from, as the shop calls it. */
export function channelName(code: string): string {
  return CHANNELS[code] ?? title(code);
}

const TEMPLATES: Record<string, string> = {
  order_confirmation: "Order confirmation",
  invoice: "Invoice",
  shipment: "Shipped with tracking",
  refund: "Refund",
};

/** An e-mail template by what it is for. */
export function templateName(kind: string): string {
  return TEMPLATES[kind] ?? title(kind);
}

const MESSAGE_STATUS: Record<string, string> = {
  queued: "waiting to send",
  sending: "sending",
  sent: "sent",
  failed: "could not be sent",
  received: "received",
};

/** Where an e-mail is: sent, waiting, or given up on. */
export function messageStatus(status: string): string {
  return MESSAGE_STATUS[status] ?? words(status);
}
