// The official OpenAI SDK against the gateway: it reads OPENAI_BASE_URL (the gateway's /v1) and
// OPENAI_API_KEY (a tenant key) from the environment, as it does against OpenAI. Prints one JSON
// document of what it saw, for OpenAiSdkTest to check.
import OpenAI from "openai";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function png(bytes) {
  return {
    png: bytes.subarray(0, 8).equals(PNG_SIGNATURE),
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
  };
}

const client = new OpenAI();

const base64 = await client.images.generate({
  model: "dall-e-2",
  prompt: "a lighthouse at dusk, from the openai sdk",
  n: 2,
  size: "256x256",
  response_format: "b64_json",
});

const urls = await client.images.generate({
  model: "dall-e-3",
  prompt: "a quiet harbour, from the openai sdk",
  n: 1,
  size: "1024x1024",
  response_format: "url",
});
const downloaded = [];
for (const image of urls.data) {
  const response = await fetch(image.url);
  downloaded.push({ status: response.status, ...png(Buffer.from(await response.arrayBuffer())) });
}

const models = [];
for await (const model of client.models.list()) {
  models.push({ id: model.id, object: model.object, owned_by: model.owned_by });
}

let refused = null;
try {
  await client.images.generate({ model: "dall-e-2", prompt: "too many", n: 11 });
} catch (error) {
  refused = {
    is_bad_request: error instanceof OpenAI.BadRequestError,
    status: error.status,
    type: error.type,
    param: error.param,
  };
}

console.log(
  JSON.stringify({
    base64: {
      created: base64.created,
      images: base64.data.map((image) => ({
        ...png(Buffer.from(image.b64_json, "base64")),
        revised_prompt: image.revised_prompt,
      })),
    },
    urls: { created: urls.created, images: downloaded },
    models,
    refused,
  }),
);
