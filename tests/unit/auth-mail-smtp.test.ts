// The SMTP mailer against a minimal SMTP server: what reaches the wire, and what the banner shows.
import { createServer, type AddressInfo, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailer } from "../../embedded/mail/index.ts";

interface Received {
  from: string;
  to: string[];
  data: string;
}

/** Just enough of RFC 5321 for one client: no extensions, no TLS, accepts everything. */
function fakeSmtpServer(received: Received[]): Server {
  return createServer((socket) => {
    let envelope: Received = { from: "", to: [], data: "" };
    let inData = false;
    let buffer = "";
    socket.write("220 fake ESMTP\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      let end: number;
      while ((end = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            received.push(envelope);
            envelope = { from: "", to: [], data: "" };
            socket.write("250 queued\r\n");
          } else {
            envelope.data += line.replace(/^\./, "") + "\n";
          }
          continue;
        }
        switch (line.slice(0, 4).toUpperCase()) {
          case "MAIL": // MAIL FROM:<address>
            envelope.from = line.slice("MAIL FROM:".length).trim();
            break;
          case "RCPT": // RCPT TO:<address>
            envelope.to.push(line.slice("RCPT TO:".length).trim());
            break;
          case "DATA":
            inData = true;
            socket.write("354 go ahead\r\n");
            continue;
          case "QUIT":
            socket.end("221 bye\r\n");
            continue;
        }
        socket.write("250 ok\r\n");
      }
    });
  });
}

const received: Received[] = [];
let server: Server;
let port: number;

beforeAll(async () => {
  server = fakeSmtpServer(received);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("the SMTP mailer", () => {
  it("delivers the message with text and HTML parts", async () => {
    const mailer = createMailer({ sql: undefined as never, smtpUrl: `smtp://127.0.0.1:${port}`, from: "Auth <auth@example.org>" });
    await mailer.send({
      to: "ada@example.org",
      subject: "Confirm your email address",
      text: "Open this link: http://x/verify",
      html: "<p>Open this link</p>",
      kind: "signup",
    });
    expect(received).toHaveLength(1);
    expect(received[0]!.from).toBe("<auth@example.org>");
    expect(received[0]!.to).toEqual(["<ada@example.org>"]);
    expect(received[0]!.data).toContain("Subject: Confirm your email address");
    expect(received[0]!.data).toContain("Open this link: http://x/verify");
    expect(received[0]!.data).toContain("<p>Open this link</p>");
  });

  it("describes itself without the credentials", () => {
    const mailer = createMailer({ sql: undefined as never, smtpUrl: "smtp://apikey:s3cret@smtp.example.org:587" });
    expect(mailer.describe()).toBe("SMTP smtp://smtp.example.org:587");
  });
});
