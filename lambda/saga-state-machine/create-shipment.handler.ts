import { createShipment } from './order-saga';
import { createStepHandler } from './step-handler';

/** Saga action: books the shipment. Fails with ShipmentRejectedError when input.simulate.failStep names this step. */
export const handler = createStepHandler('shipment created', createShipment);
