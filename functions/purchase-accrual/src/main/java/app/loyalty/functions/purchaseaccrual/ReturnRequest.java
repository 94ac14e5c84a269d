package app.loyalty.functions.purchaseaccrual;

import app.loyalty.shared.http.BasketBodies;

import java.util.List;

/** The body of POST /v1/purchases/{orderId}/returns: by amount or by lines, exactly one (openapi.yaml: ReturnRequest). */
record ReturnRequest(String returnId, Long amount, List<ReturnRequest.ReturnLine> lines) {

    record ReturnLine(String sku, Long quantity) {
        ReturnLine {
            // The SKU rule of purchase lines: a return names SKUs of the order, and openapi.yaml states one pattern.
            if (sku == null || !BasketBodies.TEXT.matcher(sku).matches()) {
                throw new IllegalArgumentException("lines[].sku must be 1-64 letters, digits or . _ : / - space");
            }
            if (quantity == null || quantity < 1 || quantity > BasketBodies.MAX_QUANTITY) {
                throw new IllegalArgumentException("lines[].quantity must be 1.." + BasketBodies.MAX_QUANTITY);
            }
        }
    }

    ReturnRequest {
        if (returnId == null || !PurchaseRequest.ID.matcher(returnId).matches()) {
            throw new IllegalArgumentException("returnId must be 1-64 characters: letters, digits, . _ : -");
        }
        if ((amount == null) == (lines == null)) {
            throw new IllegalArgumentException("send exactly one of amount and lines");
        }
        if (amount != null && (amount < 1 || amount > PurchaseRequest.MAX_AMOUNT)) {
            throw new IllegalArgumentException("amount must be 1.." + PurchaseRequest.MAX_AMOUNT + " minor units");
        }
        if (lines != null) {
            if (lines.isEmpty() || lines.size() > PurchaseRequest.MAX_LINES || lines.contains(null)) {
                throw new IllegalArgumentException("lines must hold 1.." + PurchaseRequest.MAX_LINES + " lines");
            }
            if (lines.stream().map(ReturnLine::sku).distinct().count() != lines.size()) {
                throw new IllegalArgumentException("each sku at most once in lines");
            }
        }
    }
}
