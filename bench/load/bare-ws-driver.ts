// The bare relay pairs by path: /agent/<id> and /customer/<id>. Nothing to authenticate.
import type { Driver, GeneratorConfig, SessionLink } from './driver.js';
import { openSocket } from './socket-waits.js';

export function bareWsDriver(config: GeneratorConfig): Driver {
  const wsBase = config.url.replace(/^http/, 'ws');
  const id = (index: number): string => `g${config.generatorIndex}-${index}`;
  return {
    async open(index, onAgentFrame): Promise<SessionLink> {
      // The agent first, so the relay knows where to forward before the customer sends.
      const agent = await openSocket(`${wsBase}/agent/${id(index)}`, {}, `agent ${index}`, onAgentFrame);
      const customer = await openSocket(`${wsBase}/customer/${id(index)}`, {}, `customer ${index}`);
      return {
        send: (frame) => customer.ws.send(frame, { binary: true }),
        pair: async () => {},
        close() {
          customer.ws.terminate();
          agent.ws.terminate();
        },
      };
    },
    async admitOne(index) {
      const agent = await openSocket(`${wsBase}/agent/adm-${id(index)}`, {}, `agent ${index}`);
      agent.ws.terminate();
    },
  };
}
